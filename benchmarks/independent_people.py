"""An independent synthetic generator of person records for evaluating record linkage.

It is written from scratch and deliberately shares nothing with the project's own synthetic data or matching rules:
its own name pools, household model and corruption model, built from general knowledge of English children's
services data (children's social care, police, health, education and partnership agencies each holding their own
record of a child, young person or carer).

API
    generate(n_records, seed, with_truth=False) -> records DataFrame, or (records, people) with with_truth=True
    write(path, n_records, seed) -> path of the CSV written
    python benchmarks/independent_people.py --records 200000 --seed 1 --out file.csv

Records (all text except true_person): record_id, source, first_name, last_name, date_of_birth, sex, postcode,
nhs_number, upn, address_line, true_person.  Missing values are empty strings.

People (the uncorrupted truth, one row per person that has at least one record): true_person, household, role,
tradition, first_name, last_name, date_of_birth, sex, nhs_number, upn, address_line, postcode, later_last_name,
later_address_line, later_postcode (the surname / address a person has in their later records, empty when they never
change), twin_of and doppelganger_of (true_person of the twin / of the unrelated person whose name, sex and date of
birth this person shares; -1 when none).

Model in brief
    households (a surname, an address on a street with a shared postcode, a naming tradition) hold 1-6 children aged
    0-17, sometimes twins, sometimes an unborn baby, sometimes a young adult (18-25, e.g. a care leaver), sometimes one
    or two carers; blended households give some children a different surname; some young adults live alone.
    Each person has 1-8 records (skewed to 1-2) at agencies chosen by their age and role.  Every record is given a
    time; a household move / placement move or a surname change happens at a time, so later records carry the new
    address / surname.  Then each record is corrupted independently with the rates below.

Every rate is a probability per record (or per person / household where stated) and is a named constant here.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

# ----------------------------------------------------------------------------------------------------------------
# Population model (per household / per person)
# ----------------------------------------------------------------------------------------------------------------
REFERENCE_DATE = np.datetime64("2025-03-31")  # the extract date: ages are measured to it
SOURCES = ("csc", "police", "health", "education", "partnership")
CHILDREN_PER_HOUSEHOLD = (0.35, 0.30, 0.18, 0.10, 0.05, 0.02)  # P(1..6 children)
P_CARE_LEAVER_HOUSEHOLD = 0.04  # household of one young adult (18-25) living alone, no children
P_YOUNG_ADULT_IN_HOUSEHOLD = 0.08  # an older sibling / care leaver aged 18-25 in a family household
P_UNBORN_IN_HOUSEHOLD = 0.02  # a pre-birth referral: a person with an expected date of delivery, no name yet
P_TWIN = 0.016  # per child: the child has a twin (same date of birth, household and surname)
P_TWIN_SAME_SEX = 0.65
P_TWIN_SIMILAR_NAMES = 0.25  # per twin pair: given a similar-sounding pair of names (Jack / Jake)
P_CARER_RECORDED = 0.35  # per family household: a first carer (usually the mother) is a person with records
P_SECOND_CARER_RECORDED = 0.30  # given a first carer: a second carer is too
P_FIRST_CARER_FEMALE = 0.88
P_SECOND_CARER_MALE = 0.90
P_CARER_OWN_SURNAME = 0.40  # the first carer's surname differs from the household's
P_BLENDED_HOUSEHOLD = 0.12  # per household with 2+ children: some children are step-siblings with another surname
P_STEP_CHILD = 0.50  # per non-first child of a blended household
P_YOUNG_ADULT_OWN_SURNAME = 0.20
P_DOUBLE_BARRELLED = 0.05  # per English-tradition household: the surname is double-barrelled (Smith-Jones)
P_MIXED_HERITAGE = 0.06  # per household: the children's first names come from another naming tradition
P_SEX_INDETERMINATE = 0.002  # per born person: true sex recorded as U
P_NO_NHS_NUMBER = 0.02  # per born person: no NHS number (recent arrival, never registered); unborn have none
P_UPN_SCHOOL_AGE = 0.97  # per child aged 4+ (and young adult): has a unique pupil number
P_UPN_EARLY_YEARS = 0.40  # per child aged 2-3 (funded nursery place)
P_LOCAL_LA_UPN = 0.85  # the UPN was issued by the local authority rather than elsewhere
P_DOPPELGANGER = 0.004  # per child: shares first name, sex and birth date with an unrelated child of the same surname
P_HOUSEHOLD_MOVE = 0.15  # per household: moves once; records after the move carry the new address
P_PERSON_MOVE = 0.04  # per child / young adult: moves alone (placement, care leaver flat) at some time
P_MOVE_LOCAL = 0.85  # a move stays in the local postcode area
P_FLAT = 0.08  # an address is a flat ("Flat 3, 12 Elm Road")
P_SURNAME_CHANGE = {"child": 0.03, "young_adult": 0.02, "carer": 0.05, "unborn": 0.0}  # per person
SURNAME_CHANGE_KIND = (0.50, 0.25, 0.25)  # new partner's surname, double-barrel with it, mother's surname
# records per person, P(1..k)
RECORDS_PER_PERSON = {
    "child": (0.38, 0.23, 0.14, 0.09, 0.06, 0.045, 0.03, 0.025),
    "young_adult": (0.38, 0.23, 0.14, 0.09, 0.06, 0.045, 0.03, 0.025),
    "carer": (0.60, 0.25, 0.10, 0.05),
    "unborn": (0.60, 0.30, 0.10),
}
# which agency holds a record, by the person's category: columns follow SOURCES
SOURCE_MIX = {
    "unborn": (0.60, 0.00, 0.40, 0.00, 0.00),
    "age_0_1": (0.40, 0.00, 0.42, 0.03, 0.15),
    "age_2_4": (0.35, 0.00, 0.30, 0.20, 0.15),
    "age_5_17": (0.30, 0.10, 0.17, 0.30, 0.13),
    "young_adult": (0.35, 0.25, 0.22, 0.03, 0.15),
    "carer": (0.15, 0.40, 0.25, 0.00, 0.20),
}

# ----------------------------------------------------------------------------------------------------------------
# Corruption model (per record unless stated)
# ----------------------------------------------------------------------------------------------------------------
# first name: one of these (exclusive, in this order of the draw)
FIRST_NAME_TYPO = 0.025  # one edit: substitution (often a keyboard neighbour), insertion, deletion, transposition
FIRST_NAME_TRUNCATION = 0.012  # first 3-5 letters ("Sam", "Alex"); the first part of a hyphenated name ("Lily")
FIRST_NAME_INITIAL = 0.008  # initial only ("J")
FIRST_NAME_MISSING = 0.008
FIRST_NAME_NICKNAME = 0.10  # of records whose first name has a listed nickname (Bill for William), when not above
FIRST_NAME_SPELLING_VARIANT = 0.15  # of records whose name has a listed spelling variant (Mohammed / Muhammad)
SURNAME_SPELLING_VARIANT = 0.10  # of records whose surname has a listed variant (Chaudhry / Choudhury)
SURNAME_TYPO = 0.015
NAME_SWAP = 0.008  # first name and surname exchanged
DOUBLE_BARREL_PARTIAL = 0.20  # of records with a hyphenated surname: one half only (Smith-Jones -> Jones)
PUNCTUATION_VARIANT = 0.30  # of records with an apostrophe / hyphen in a name: O'Brien -> OBrien, O Brien, O’Brien
DIACRITICS_STRIPPED = 0.60  # of records with accented letters in a name: Łukasz -> Lukasz, Siobhán -> Siobhan
NAME_UPPER = 0.10  # both names in capitals
NAME_LOWER = 0.02
NAME_CAPITALIZE = 0.03  # "O'brien", "Mccarthy", "Lily-rose"
NAME_WHITESPACE = 0.02  # leading / trailing / doubled spaces
UNBORN_PLACEHOLDER_NAME = (0.50, 0.25, 0.25)  # an unborn child's first name: empty, "Baby", "Unborn"
UNBORN_DATE_JITTER = 0.50  # an unborn child's expected date differs by 1-14 days between records
# date of birth: one of these (exclusive)
DOB_DAY_MONTH_SWAP = 0.015  # only takes effect where the day is 1-12 and differs from the month
DOB_ONE_DAY_OFF = 0.010
DOB_YEAR_OFF = 0.006
DOB_MISSING = {"csc": 0.005, "police": 0.030, "health": 0.003, "education": 0.002, "partnership": 0.020}
SEX_MISSING = {"csc": 0.01, "police": 0.03, "health": 0.005, "education": 0.005, "partnership": 0.06}
SEX_WRONG = 0.004  # M <-> F
POSTCODE_MISSING = {"csc": 0.02, "police": 0.06, "health": 0.01, "education": 0.01, "partnership": 0.05}
POSTCODE_TYPO = 0.015  # one character substituted in kind (letter for letter, digit for digit), or inward letters swap
POSTCODE_FORMAT = 0.05  # space dropped, lower case, doubled space
ADDRESS_MISSING = 0.03
ADDRESS_ABBREVIATED = 0.10  # Road -> Rd, Avenue -> Ave
ADDRESS_UPPER = 0.05
NHS_PRESENT = {"csc": 0.80, "police": 0.15, "health": 0.97, "education": 0.30, "partnership": 0.35}
NHS_WRONG = 0.002  # someone else's valid number: a household member's half the time, else anyone's
UPN_PRESENT = {"csc": 0.55, "police": 0.03, "health": 0.02, "education": 0.97, "partnership": 0.15}

DAYS_PER_YEAR = 365.25

# ----------------------------------------------------------------------------------------------------------------
# Name pools: names in rough order of frequency within each tradition (a Zipf-like weight is given by rank)
# ----------------------------------------------------------------------------------------------------------------
_GENERAL_M = """
Oliver George Noah Arthur Harry Leo Jack Charlie Oscar Jacob Henry Thomas Freddie Alfie Theo William Archie Joshua
Alexander James Isaac Edward Lucas Tommy Finley Max Logan Ethan Teddy Benjamin Arlo Joseph Sebastian Harrison Elijah
Adam Daniel Samuel Louie Mason Reuben Albert Rory Jaxon Hugo Luca Zachary Reggie Hunter Louis Dylan Albie Riley Jude
Toby Ronnie Frankie Harvey Jenson Stanley Jasper Ezra Carter Elliot Finn Tyler Kai Bobby Jayden Ryan Liam Lewis Callum
Connor Kyle Jordan Bradley Jake Luke Matthew Nathan Aaron Ben Owen Cameron Kieran Ashton Brandon Michael Christopher
David Paul Mark Lee Dean Craig Wayne Darren Stephen Andrew Richard Robert John Anthony Gary Martin Neil Jamie Scott
Shane Ricky Tommy-Lee Alfie-James Charlie-Ray Leighton Kayden Harley Frederick Nicholas Jonathan Simon Peter Kevin Ian
Carl Ross Aiden Rhys Jesse Nathaniel Jenson-Lee Mackenzie Travis Spencer Gavin
"""
_GENERAL_F = """
Olivia Amelia Isla Ava Lily Freya Ivy Florence Mia Willow Rosie Sophia Isabella Grace Daisy Sienna Poppy Elsie Emily
Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie Matilda Maya Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria
Penelope Mila Bonnie Eva Hallie Eliza Ada Violet Esme Arabella Imogen Jessica Delilah Thea Harriet Holly Scarlett Chloe
Lucy Hannah Megan Lauren Bethany Abigail Georgia Amber Jasmine Paige Courtney Shannon Leah Katie Jade Chelsea Rebecca
Stacey Danielle Kelly Emma Sarah Laura Gemma Natalie Samantha Victoria Nicola Claire Lisa Michelle Joanne Karen Tracey
Donna Louise Helen Elizabeth Margaret Susan Catherine Katherine Jennifer Alexandra Eleanor Gabriella Lily-Rose
Ellie-May Lacey-Mae Tia-Marie Layla-Rose Kacey-Leigh Macie Lexi Ellie Layla Skye Summer Faith Hope Mollie Lola Lottie
Annabelle Caitlin Kayla Demi Leanne Polly Hattie Leona Alexa Abbie Isabel
"""
_SOUTH_ASIAN_MUSLIM_M = """
Mohammed Muhammad Mohammad Ibrahim Yusuf Ayaan Ali Zayn Hamza Abdullah Musa Haris Zakariya Ismail Umar Usman Bilal
Hassan Hussain Adam Rayyan Aryan Ahmed Arham Imran Tariq Zain Faisal Shahid Kashif Asif Naveed Sohail Irfan Rizwan
Abdul Abdulrahman Sami Yahya Idris Ilyas Saif Harun Rahim Shahjahan Junaid Waqas Zubair
"""
_SOUTH_ASIAN_MUSLIM_F = """
Maryam Fatima Aisha Zainab Khadija Hafsa Hania Inaya Zara Amina Iman Ayesha Safa Sana Noor Mariam Hira Alisha Anaya
Eshaal Zoya Aleena Sumaya Rukhsana Nasreen Shazia Samina Farzana Parveen Nazia Shabana Rubina Tahmina Nusrat Salma
Sadia Anisa Mahnoor Laiba Aiza Hana
"""
_SOUTH_ASIAN_MUSLIM_S = """
Khan Hussain Ahmed Ali Akhtar Begum Mahmood Iqbal Rahman Shah Bibi Malik Aslam Hassan Mohammed Butt Chaudhry Javed
Rashid Uddin Islam Miah Choudhury Hossain Bashir Yousaf Anwar Riaz Sadiq Mirza Qureshi Raza Rehman Nawaz
"""
_INDIAN_M = """
Arjun Aarav Rohan Krishna Dev Ravi Harjit Gurpreet Jaspreet Manpreet Harpreet Jaskaran Sukhdeep Amarjit Rajesh Sanjay
Vikram Nikhil Rahul Anish Kiran Vivaan Aditya Ishaan Sahil Parminder Hardeep Kuldeep Ajay Sunil
"""
_INDIAN_F = """
Priya Anjali Simran Navneet Jasleen Harleen Amrit Gurleen Kiran Pooja Riya Diya Anika Aanya Meera Sita Neha Divya Sonia
Rani Kamaljit Jaswinder Sukhvinder Ishani Tara Saanvi Avni Isha Gurpreet Manpreet
"""
_INDIAN_S = """
Patel Singh Kaur Sharma Kumar Gill Sandhu Sidhu Dhillon Bains Sahota Johal Mistry Parmar Chauhan Shah Gupta Joshi Mehta
Desai Verma Rai Bhatti Grewal Atwal Virdi Lal Chopra Kang
"""
_POLISH_M = """
Jakub Szymon Jan Antoni Filip Kacper Mikołaj Aleksander Wojciech Łukasz Mateusz Piotr Paweł Tomasz Krzysztof Michał
Bartosz Dawid Kamil Marcel Igor Oskar Adrian Patryk Dominik Marek Grzegorz Andrzej Maciej Karol
"""
_POLISH_F = """
Zuzanna Julia Zofia Maja Hanna Lena Alicja Oliwia Laura Wiktoria Natalia Aleksandra Katarzyna Agnieszka Małgorzata
Magdalena Joanna Anna Karolina Weronika Gabriela Nikola Martyna Paulina Dominika Ewa Marta Kinga Emilia
"""
_POLISH_S = """
Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski
Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając
Wieczorek Jabłoński Król Majewski Olszewski
"""
_ARABIC_SOMALI_M = """
Omar Ahmed Abdi Mohamed Hassan Khalid Yasin Mustafa Ayoub Karim Amir Rami Samir Nabil Hamid Abdirahman Abdullahi Said
Jamal Faris Zaid Anas Mahmoud Ibrahim Salah Walid Kawa Rebin Hawre Yusuf
"""
_ARABIC_SOMALI_F = """
Hodan Fardowsa Sahra Hamda Sumaya Nimco Ayan Amal Layla Noor Yasmin Salma Rania Huda Dina Maryam Sara Lina Hana Hiba
Reem Dalia Ruqaya Asma Najma Shilan Zhino Ladan Leila
"""
_ARABIC_SOMALI_S = """
Mohamed Ahmed Ali Hassan Abdi Omar Yusuf Farah Warsame Osman Ibrahim Jama Aden Hersi Nur Abdullah Saleh Al-Hashimi
Al-Sayed El-Amin Haddad Mansour Karimi Rahimi Saeed Mohamud
"""
_WEST_AFRICAN_M = """
David Daniel Samuel Emmanuel Joshua Israel Favour Chinedu Chukwuemeka Oluwaseun Oluwatobi Olumide Ayomide Tobi
Temitope Adebayo Babatunde Kwame Kofi Kwabena Kojo Yaw Obinna Ifeanyi Nnamdi Femi Tunde Segun Chidi Ebuka Uchenna
Jeremiah Elijah Mamadou Moussa Ousmane
"""
_WEST_AFRICAN_F = """
Blessing Precious Favour Grace Deborah Esther Adaeze Chiamaka Chioma Ngozi Funmilayo Folake Yetunde Oluwadamilola
Damilola Temitope Ayomide Abena Akosua Ama Efua Adjoa Nana Ifeoma Nneka Amara Fatoumata Aminata Mariama Kadiatou
"""
_WEST_AFRICAN_S = """
Okafor Adeyemi Okonkwo Oladipo Adebayo Mensah Owusu Boateng Asante Osei Appiah Agyeman Eze Nwosu Obi Chukwu Ogunleye
Adeleke Balogun Olawale Afolabi Ibekwe Onyeka Diallo Bah Jalloh Sesay Kamara Conteh Kargbo Koroma Traore N'Diaye
"""
_CARIBBEAN_M = """
Tyrese Jermaine Marcus Dwayne Tyrone Andre Leon Darnell Kareem Jaheim Kymani Malachi Josiah Isaiah Kyrie Omari
Nathaniel Delroy Winston Clive Errol Desmond Trevor Lloyd Rashad Kai Jayden
"""
_CARIBBEAN_F = """
Shanice Keisha Tianna Jada Aaliyah Nia Kiara Tamara Imani Janelle Shantelle Latoya Chantelle Marcia Beverley Sasha Zuri
Amani Destiny Serenity Trinity Keziah Naomi Jasmine Maya
"""
_CARIBBEAN_S = """
Campbell Brown Williams Francis Clarke Thomas Johnson Smith Reid Morgan Bailey Grant Henry Gordon Lewis Richards
Edwards Samuels Gayle Powell Walker Forbes McKenzie Bennett Charles Daley Lindo Chambers Spence Beckford
"""
_IRISH_M = """
Sean Seán Conor Cian Oisín Darragh Liam Patrick Padraig Ciaran Eoin Ronan Niall Declan Cillian Fionn Tadhg Diarmuid
Colm Shane Cathal Brendan Kieran Aidan Michael Dermot
"""
_IRISH_F = """
Aoife Niamh Siobhán Saoirse Róisín Ciara Caoimhe Orla Sinéad Clodagh Aisling Grainne Éabha Fiadh Mairead Bridget Nuala
Shauna Deirdre Muireann Meabh Tara Erin Kathleen Eimear
"""
_IRISH_S = """
Murphy Kelly O'Brien O'Connor O'Neill O'Sullivan Walsh Byrne Ryan O'Reilly Doyle McCarthy Gallagher Doherty Kennedy
Lynch Murray Quinn Moore McLaughlin Carroll Connolly Daly Flanagan Brennan McGrath Fitzgerald Kavanagh McDonagh Ward
Maguire O'Donnell Nolan
"""
_OTHER_EUROPEAN_M = """
Andrei Alexandru Ionuț Mihai Stefan Cristian Gabriel Florin Marius Darius Lukas Matas Dominykas Jonas Tiago João
Rodrigo Diogo Afonso Marco Giovanni Matteo Lorenzo Tomas Erik Patrik
"""
_OTHER_EUROPEAN_F = """
Maria Ioana Elena Andreea Bianca Alexia Ana Daria Gabija Emilija Ugnė Austėja Beatriz Inês Leonor Matilde Giulia Chiara
Sofia Alessia Denisa Natalia
"""
_OTHER_EUROPEAN_S = """
Popescu Ionescu Popa Dumitru Stan Stoica Constantin Radu Gheorghe Munteanu Kazlauskas Petrauskas Jankauskas Silva
Santos Ferreira Pereira Costa Oliveira Rossi Russo Ferrari Esposito Bianchi Horvath Balog Lakatos
"""
_EAST_ASIAN_M = "Wei Jun Hao Yu Jiahao Zihan Minh Duc Tuan Kevin Jason Ryan Ethan Hoang"
_EAST_ASIAN_F = "Mei Xin Ying Yan Li Na Linh Thao Mai Ngoc Jessica Vivian Grace Chloe"
_EAST_ASIAN_S = "Wang Li Zhang Chen Liu Yang Huang Zhao Wu Zhou Nguyen Tran Le Pham Chan Wong Cheung Lam Ng Ho Lee"
_ENGLISH_S = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White
Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King
Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson
Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler
Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Fletcher Walsh Gibson Howard Andrews Stewart
Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball
Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster
Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson
Newton Oliver Reed Kennedy Williamson Bird Gardner Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns
Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler Potter Osborne
Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles
Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Mann Frost
Lambert Stephens Blake Lynch Goodwin Barton Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood
Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French
Stanley Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Simmons Morton
Alexander Field Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows Briggs Storey Phillips
"""
# a long tail of plausible English place-name surnames, so that most surnames are not shared by half the town
_TAIL_HEADS = "Ash Brad Brook Crow Hart Hol Lang Mar New Ray Shel Stan Thorn Wake Whit Wood Black Bur Cal Dun Fair Gold"
_TAIL_HEADS += " Hather Kings Lit Mid Nor Ox Red Sel Small Wal Wat Wel Wes"
_TAIL_TAILS = "ford field ley ton wood well by worth ham more combe hurst stone bridge ridge dale"

# (share of households, male pool, female pool, surname pool, share of first names drawn from the general pool)
TRADITIONS = {
    "english": (0.52, _GENERAL_M, _GENERAL_F, _ENGLISH_S, 1.00),
    "south_asian_muslim": (0.12, _SOUTH_ASIAN_MUSLIM_M, _SOUTH_ASIAN_MUSLIM_F, _SOUTH_ASIAN_MUSLIM_S, 0.08),
    "indian": (0.05, _INDIAN_M, _INDIAN_F, _INDIAN_S, 0.20),
    "polish": (0.05, _POLISH_M, _POLISH_F, _POLISH_S, 0.35),
    "arabic_somali": (0.05, _ARABIC_SOMALI_M, _ARABIC_SOMALI_F, _ARABIC_SOMALI_S, 0.10),
    "west_african": (0.05, _WEST_AFRICAN_M, _WEST_AFRICAN_F, _WEST_AFRICAN_S, 0.35),
    "caribbean": (0.05, _CARIBBEAN_M, _CARIBBEAN_F, _CARIBBEAN_S, 0.55),
    "irish": (0.05, _IRISH_M, _IRISH_F, _IRISH_S, 0.50),
    "other_european": (0.04, _OTHER_EUROPEAN_M, _OTHER_EUROPEAN_F, _OTHER_EUROPEAN_S, 0.35),
    "east_asian": (0.02, _EAST_ASIAN_M, _EAST_ASIAN_F, _EAST_ASIAN_S, 0.40),
}
FIRST_NAME_ZIPF = 0.60  # weight of the name at rank r is r ** -FIRST_NAME_ZIPF
SURNAME_ZIPF = 0.80
ENGLISH_SURNAME_TAIL_SHARE = 0.20  # of English-tradition surnames drawn uniformly from the place-name tail
FIRST_NAME_BOOST = {"Mohammed": 3.0, "Muhammad": 2.0, "Mohamed": 3.0, "Mohammad": 1.5}  # weight multipliers
SURNAME_BOOST = {"Patel": 2.0, "Singh": 1.5, "Nguyen": 2.0}

NICKNAMES = {
    "William": ("Bill", "Will", "Billy", "Liam"), "Margaret": ("Peggy", "Maggie", "Meg"), "Robert": ("Bob", "Rob"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"), "Samuel": ("Sam", "Sammy"), "Alexander": ("Alex", "Xander"),
    "Alexandra": ("Alex", "Lexi", "Sasha"), "Thomas": ("Tom", "Tommy"), "James": ("Jim", "Jimmy", "Jamie"),
    "Joseph": ("Joe", "Joey"), "Michael": ("Mike", "Mick", "Mikey"), "Daniel": ("Dan", "Danny"), "Benjamin": ("Ben",),
    "Jacob": ("Jake",), "John": ("Jack", "Johnny"), "Edward": ("Ed", "Eddie", "Ted"), "Henry": ("Harry", "Hal"),
    "Richard": ("Rick", "Dick", "Richie"), "Charles": ("Charlie",), "Christopher": ("Chris",), "Matthew": ("Matt",),
    "Nicholas": ("Nick",), "Anthony": ("Tony", "Ant"), "Frederick": ("Fred", "Freddie"), "Alfred": ("Alfie",),
    "Oliver": ("Ollie",), "Harrison": ("Harry",), "Katherine": ("Kate", "Katie", "Kat"), "Catherine": ("Kate", "Cathy"),
    "Rebecca": ("Becky", "Becca"), "Jessica": ("Jess",), "Victoria": ("Vicky", "Tori"), "Abigail": ("Abbie", "Abby"),
    "Isabella": ("Bella", "Izzy"), "Isabelle": ("Izzy",), "Olivia": ("Liv", "Livvy"), "Amelia": ("Millie",),
    "Eleanor": ("Ellie", "Nell"), "Florence": ("Flo",), "Gabriella": ("Gabby",), "Jennifer": ("Jen", "Jenny"),
    "Susan": ("Sue",), "Samantha": ("Sam",), "Natalie": ("Nat",), "Stephen": ("Steve",), "Andrew": ("Andy",),
    "Jonathan": ("Jon",), "Zachary": ("Zac",), "Theodore": ("Theo", "Teddy"), "Mohammed": ("Mo",), "Muhammad": ("Mo",),
    "Abdullah": ("Abdul",), "Abdulrahman": ("Abdul",), "Aleksander": ("Olek",), "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",), "Aleksandra": ("Ola",), "Wojciech": ("Wojtek",), "Jakub": ("Kuba",),
    "Agnieszka": ("Aga",), "Oluwaseun": ("Seun",), "Oluwatobi": ("Tobi",), "Chukwuemeka": ("Emeka",),
    "Oluwadamilola": ("Dami", "Damilola"), "Babatunde": ("Tunde",), "Nathaniel": ("Nathan", "Nate"),
    "Deborah": ("Debbie",), "Patrick": ("Paddy", "Pat"), "Gabriel": ("Gabe",), "Giovanni": ("Gianni",),
}
FIRST_NAME_VARIANTS = [
    ("Mohammed", "Muhammad", "Mohammad", "Mohamed", "Muhammed"), ("Aisha", "Ayesha", "Aysha"),
    ("Yusuf", "Yousuf", "Yusef"),
    ("Zainab", "Zaynab"), ("Jayden", "Jaden", "Jaiden"), ("Aiden", "Aidan", "Ayden"), ("Sophie", "Sofie"),
    ("Sophia", "Sofia"), ("Katie", "Katy"), ("Leah", "Lea"), ("Isabelle", "Isabel", "Isobel"), ("Ahmed", "Ahmad"),
    ("Hussain", "Hussein", "Husain"), ("Layla", "Leila", "Laila"), ("Zara", "Zahra"), ("Lacey-Mae", "Lacey-May"),
    ("Ellie-May", "Ellie-Mae"), ("Tyrese", "Tyreece"), ("Sean", "Shaun", "Shawn"), ("Stephen", "Steven"),
    ("Niamh", "Neve"), ("Abdirahman", "Abdulrahman"), ("Matthew", "Mathew"), ("Caitlin", "Kaitlyn"),
    ("Mollie", "Molly"),
    ("Maryam", "Mariam"), ("Hana", "Hannah"), ("Abdullahi", "Abdullah"), ("Gracie", "Grace"), ("Lexi", "Lexie"),
]
SURNAME_VARIANTS = [
    ("Chaudhry", "Choudhury", "Chowdhury"), ("Hussain", "Hussein", "Husain"), ("Mohammed", "Muhammad", "Mohamed"),
    ("Ahmed", "Ahmad"), ("Rahman", "Rehman"), ("Yousaf", "Yousuf", "Yusuf"), ("Davies", "Davis"), ("Clarke", "Clark"),
    ("Thompson", "Thomson"), ("McDonald", "MacDonald"), ("Mohamud", "Mahmoud"), ("Stephenson", "Stevenson"),
    ("Reid", "Reed", "Read"), ("Phillips", "Philips"), ("McKenzie", "Mackenzie"), ("Osman", "Othman"),
]
# similar-sounding but different names given to twins: (sex, name, sex, name)
SIMILAR_TWIN_NAMES = [
    ("M", "Jack", "M", "Jake"), ("M", "Leo", "M", "Theo"), ("M", "Ethan", "M", "Evan"), ("M", "Hassan", "M", "Hussain"),
    ("M", "Mason", "M", "Jason"), ("M", "Ryan", "M", "Rhys"), ("M", "Adam", "M", "Aaron"),
    ("M", "Harry", "M", "Harvey"),
    ("M", "Alfie", "M", "Archie"), ("M", "Kian", "M", "Keon"), ("F", "Ella", "F", "Emma"), ("F", "Lily", "F", "Lola"),
    ("F", "Amelia", "F", "Emilia"), ("F", "Maya", "F", "Mia"), ("F", "Ava", "F", "Eva"), ("F", "Hana", "F", "Hiba"),
    ("F", "Ruby", "F", "Rosie"), ("F", "Millie", "F", "Mollie"), ("F", "Poppy", "F", "Polly"),
    ("F", "Zara", "F", "Zoya"),
    ("M", "Louis", "F", "Louise"), ("M", "Daniel", "F", "Danielle"), ("M", "Charlie", "F", "Charlotte"),
    ("M", "Jayden", "F", "Jade"), ("M", "Oliver", "F", "Olivia"), ("M", "Leon", "F", "Leona"),
]

# ----------------------------------------------------------------------------------------------------------------
# Places
# ----------------------------------------------------------------------------------------------------------------
LOCAL_OUTWARD = """B90 B91 B92 B93 B94 B36 B37 B26 B27 B28 B8 B9 B10 B11 B12 B13 B14 B20 B21 B23 B24 B25 B33 B34 B35
B43 B44 CV7 CV1 CV2 CV3 WS1 WS2 WV1 WV10 DY1 DY4""".split()
ELSEWHERE_OUTWARD = "M14 M8 LS8 BD3 E13 N17 SE15 NW10 L8 NG7 LE5 CF24 BS5 OL1 ST4 NN1 LU1 PE1 SR1 HU3".split()
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code (no C I K M O V)
STREET_NAMES = """Elm Oak Ash Beech Birch Cedar Maple Willow Hazel Rowan Station Church Mill School Park Victoria Albert
Queens Kings Princes Windsor Warwick Stratford Coventry Lichfield Alcester Highfield Brookside Meadow Orchard Chestnut
Holly Ivy Lime Poplar Sycamore Grange Manor Priory Abbey Castle Bridge Green Heath Moor Valley Hill Spring Lode Marsh
Wharf Canal Forge Foundry Tannery Chapel Vicarage Rectory Farm Hawthorn Blackthorn Larch Fir Pine Yew Laurel Rose Lilac
Primrose Bluebell Daisy Clover Heather Thistle Kestrel Falcon Swallow Wren Robin Lark Dove Heron Kingfisher Cherry
Plum Damson Medlar Quince Walnut Hornbeam Alder Aspen Juniper""".split()
STREET_TYPES = ("Road", "Street", "Avenue", "Close", "Drive", "Lane", "Way", "Crescent", "Grove", "Gardens", "Place")
STREET_TYPE_WEIGHTS = (0.28, 0.16, 0.10, 0.12, 0.08, 0.08, 0.05, 0.05, 0.04, 0.03, 0.01)
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Close": "Cl", "Drive": "Dr", "Lane": "Ln",
                 "Crescent": "Cres", "Grove": "Gr", "Gardens": "Gdns", "Place": "Pl"}
UPN_LOCAL_LA = ("334", "330", "333", "331", "335", "336", "332")
UPN_OTHER_LA = ("352", "383", "380", "209", "316", "893", "855", "925")
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: the DfE check letter alphabet (no I, O, S)

_KEYBOARD = {
    "q": "wa", "w": "qase", "e": "wsdr", "r": "edft", "t": "rfgy", "y": "tghu", "u": "yhji", "i": "ujko", "o": "iklp",
    "p": "ol", "a": "qwsz", "s": "awedxz", "d": "serfcx", "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb", "j": "huikmn",
    "k": "jiolm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
ROLES = ("child", "young_adult", "carer", "unborn")


# ----------------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------------
def _names(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))


def _weighted(names: list[str], exponent: float, boost: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    w = 1.0 / np.arange(1, len(names) + 1) ** exponent
    w *= np.array([boost.get(n, 1.0) for n in names])
    return np.array(names, dtype=object), w / w.sum()


def _english_surnames() -> tuple[np.ndarray, np.ndarray]:
    listed = _names(_ENGLISH_S)
    names, p = _weighted(listed, SURNAME_ZIPF, SURNAME_BOOST)
    tail = [h + t for h in _TAIL_HEADS.split() for t in _TAIL_TAILS.split()]
    tail = [t for t in dict.fromkeys(tail) if t not in set(listed)]
    share = ENGLISH_SURNAME_TAIL_SHARE
    allp = np.concatenate([p * (1 - share), np.full(len(tail), share / len(tail))])
    return np.concatenate([names, np.array(tail, dtype=object)]), allp


def _build_pools():
    pools = {}
    for key, (_, male, female, surnames, _general) in TRADITIONS.items():
        sur = _english_surnames() if key == "english" else _weighted(_names(surnames), SURNAME_ZIPF, SURNAME_BOOST)
        pools[key] = {
            "M": _weighted(_names(male), FIRST_NAME_ZIPF, FIRST_NAME_BOOST),
            "F": _weighted(_names(female), FIRST_NAME_ZIPF, FIRST_NAME_BOOST),
            "S": sur,
        }
    return pools


POOLS = _build_pools()
TRADITION_KEYS = tuple(TRADITIONS)
_FIRST_VARIANT = {n: g for g in FIRST_NAME_VARIANTS for n in g}
_SURNAME_VARIANT = {n: g for g in SURNAME_VARIANTS for n in g}
_CANONICAL = {n: g[0] for g in FIRST_NAME_VARIANTS for n in g}


def canonical_first_name(name: str) -> str:
    """The first spelling of a name's variant group (Muhammad -> Mohammed): two names are 'the same name' if equal."""
    return _CANONICAL.get(name, name)


def _draw(rng: np.random.Generator, pool: tuple[np.ndarray, np.ndarray], k: int) -> np.ndarray:
    names, p = pool
    return names[np.searchsorted(np.cumsum(p), rng.random(k) * p.sum(), side="right").clip(0, len(names) - 1)]


def _draw_grouped(rng, keys: np.ndarray, sexes: np.ndarray, kind: str | None = None) -> np.ndarray:
    """First names (kind None: by sex) or surnames (kind 'S') for each (tradition, sex) group."""
    out = np.full(keys.size, "", dtype=object)
    for t, key in enumerate(TRADITION_KEYS):
        for sex in ("S",) if kind == "S" else ("M", "F"):
            idx = np.flatnonzero((keys == t) & ((sexes == sex) if kind is None else True))
            if idx.size:
                out[idx] = _draw(rng, POOLS[key][sex], idx.size)
    return out


def nhs_check_digit_ok(number: str) -> bool:
    """True for a 10-digit NHS number whose tenth digit is its modulus-11 check digit."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct valid NHS numbers (as int64) from the English/Welsh ranges 400-499 and 600-799 million."""
    out = np.empty(0, dtype=np.int64)
    while out.size < n:
        k = int((n - out.size) * 1.15) + 16
        base = rng.integers(0, 300_000_000, size=k)
        base = np.where(base < 100_000_000, base + 400_000_000, base + 500_000_000)  # 400-499, 600-799 million
        digits = (base[:, None] // 10 ** np.arange(8, -1, -1)) % 10
        check = 11 - (digits * np.arange(10, 1, -1)).sum(1) % 11
        check[check == 11] = 0
        ok = check != 10
        out = np.concatenate([out, base[ok] * 10 + check[ok]])
        _, first = np.unique(out, return_index=True)
        out = out[np.sort(first)]
    return out[:n]


def upn_check_letter(twelve: str) -> str:
    """The DfE check letter: the sum of each character (digits) times its position 2..13, modulo 23."""
    return UPN_CHECK_LETTERS[sum(int(c) * (i + 2) for i, c in enumerate(twelve)) % 23]


def _upns(rng: np.random.Generator, birth_year: np.ndarray) -> np.ndarray:
    n = birth_year.size
    out = np.full(n, "", dtype=object)
    todo = np.arange(n)
    seen: dict[str, None] = {}
    while todo.size:
        k = todo.size
        local = rng.random(k) < P_LOCAL_LA_UPN
        la = np.where(local, np.array(UPN_LOCAL_LA)[rng.integers(0, len(UPN_LOCAL_LA), k)],
                      np.array(UPN_OTHER_LA)[rng.integers(0, len(UPN_OTHER_LA), k)])
        school = np.where(rng.random(k) < 0.7, rng.integers(2000, 2400, k), rng.integers(4000, 4150, k))
        year = (birth_year[todo] + 4) % 100
        serial = rng.integers(0, 1000, k)
        digits = np.char.add(np.char.add(la.astype(str), school.astype(str)),
                             np.char.add(np.char.zfill(year.astype(str), 2), np.char.zfill(serial.astype(str), 3)))
        d = digits.astype("U12").view("U1").reshape(k, 12).astype(np.int64)
        letters = np.array(list(UPN_CHECK_LETTERS))[(d * np.arange(2, 14)).sum(1) % 23]
        cand = np.char.add(letters, digits)
        retry = []
        for j, u in zip(todo, cand, strict=True):
            u = str(u)
            if u in seen:
                retry.append(j)
            else:
                seen[u] = None
                out[j] = u
        todo = np.array(retry, dtype=np.int64)
    return out


def _postcodes(rng: np.random.Generator, outward: list[str], k: int) -> np.ndarray:
    o = np.array(outward, dtype=object)[rng.integers(0, len(outward), k)]
    letters = np.array(list(INWARD_LETTERS), dtype=object)
    inward = rng.integers(0, 10, k).astype(str).astype(object) + letters[rng.integers(0, 20, k)] + letters[
        rng.integers(0, 20, k)]
    return o + " " + inward


def _street_names(rng: np.random.Generator, k: int) -> np.ndarray:
    names = np.array(STREET_NAMES, dtype=object)[rng.integers(0, len(STREET_NAMES), k)]
    types = np.array(STREET_TYPES, dtype=object)[rng.choice(len(STREET_TYPES), size=k, p=STREET_TYPE_WEIGHTS)]
    return names + " " + types


def _house(rng: np.random.Generator, streets: np.ndarray) -> np.ndarray:
    k = streets.size
    num = rng.integers(1, 181, k).astype(str).astype(object)
    flat = rng.random(k) < P_FLAT
    flatno = rng.integers(1, 13, k).astype(str).astype(object)
    return np.where(flat, "Flat " + flatno + ", " + num + " " + streets, num + " " + streets)


def _strip_diacritics(s: str) -> str:
    s = s.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _typo(name: str, u: np.ndarray) -> str:
    """One edit: substitution, insertion, deletion or transposition of adjacent letters (never the first letter)."""
    n = len(name)
    if n < 2:
        return name
    kind = int(u[0] * 4)
    pos = 1 + int(u[1] * (n - 1))
    if kind == 3 and n >= 3:
        pos = min(pos, n - 2)
        if name[pos] != name[pos + 1]:
            return name[:pos] + name[pos + 1] + name[pos] + name[pos + 2:]
        kind = 0
    if kind == 2 and n >= 3:
        return name[:pos] + name[pos + 1:]
    base = name[pos] if kind == 0 else name[pos - 1]
    low = base.lower()
    near = _KEYBOARD.get(low, "")
    if near and u[2] < 0.7:
        rep = near[int(u[3] * len(near))]
    elif kind == 1 and u[2] < 0.85:
        rep = low  # a doubled letter
    else:
        rep = _ALPHABET[int(u[3] * 26)]
    if kind == 1:
        return name[:pos] + rep + name[pos:]
    if rep == low:
        rep = _ALPHABET[(_ALPHABET.find(low) + 1) % 26] if low in _ALPHABET else "e"
    return name[:pos] + rep + name[pos + 1:]


def _truncate(name: str, u: float) -> str:
    if "-" in name:
        return name.split("-")[0]
    if len(name) < 5:
        return name
    return name[: min(3 + int(u * 3), len(name) - 1)]


def _punctuation(name: str, u: float) -> str:
    if "'" in name:
        return name.replace("'", "" if u < 0.6 else (" " if u < 0.8 else "\u2019"))
    if "-" in name:
        return name.replace("-", " " if u < 0.6 else "")
    return name


def _postcode_typo(pc: str, u: np.ndarray) -> str:
    compact = pc.replace(" ", "")
    if len(compact) < 5:
        return pc
    if u[0] < 0.25 and compact[-1] != compact[-2]:
        compact = compact[:-2] + compact[-1] + compact[-2]
    else:
        pos = 1 + int(u[1] * (len(compact) - 1))
        c = compact[pos]
        pool = "0123456789" if c.isdigit() else INWARD_LETTERS
        rep = pool[int(u[2] * len(pool))]
        if rep == c:
            rep = pool[(pool.find(c) + 1) % len(pool)]
        compact = compact[:pos] + rep + compact[pos + 1:]
    return compact[:-3] + " " + compact[-3:]


def _pick(options, u: float):
    return options[min(int(u * len(options)), len(options) - 1)]


# ----------------------------------------------------------------------------------------------------------------
# people
# ----------------------------------------------------------------------------------------------------------------
def _people(rng: np.random.Generator, n_households: int) -> dict[str, np.ndarray]:
    H = n_households
    year = int(DAYS_PER_YEAR)
    trad = rng.choice(len(TRADITION_KEYS), size=H, p=np.array([v[0] for v in TRADITIONS.values()]) / sum(
        v[0] for v in TRADITIONS.values()))
    leaver = rng.random(H) < P_CARE_LEAVER_HOUSEHOLD
    n_kids = rng.choice(len(CHILDREN_PER_HOUSEHOLD), size=H, p=CHILDREN_PER_HOUSEHOLD) + 1
    n_kids[leaver] = 0

    # children (position 0 is the household's first child)
    kid_hh = np.repeat(np.arange(H), n_kids)
    nk = kid_hh.size
    kid_pos = np.arange(nk) - np.repeat(np.cumsum(n_kids) - n_kids, n_kids)
    kid_age = rng.integers(0, int(18 * DAYS_PER_YEAR), nk)
    kid_sex = np.where(rng.random(nk) < 0.512, "M", "F").astype(object)
    # twins
    tw = np.flatnonzero(rng.random(nk) < P_TWIN)
    tw_sex = np.where(rng.random(tw.size) < P_TWIN_SAME_SEX, kid_sex[tw], np.where(kid_sex[tw] == "M", "F", "M"))
    # young adults, unborn, carers
    ya_hh = np.flatnonzero(leaver | (rng.random(H) < P_YOUNG_ADULT_IN_HOUSEHOLD))
    ya_age = rng.integers(18 * year + 1, 26 * year - 1, ya_hh.size)
    ub_hh = np.flatnonzero(~leaver & (rng.random(H) < P_UNBORN_IN_HOUSEHOLD))
    ub_age = -rng.integers(1, 200, ub_hh.size)
    eldest = np.zeros(H, dtype=np.int64)
    np.maximum.at(eldest, kid_hh, kid_age)
    c1 = ~leaver & (rng.random(H) < P_CARER_RECORDED)
    c2 = c1 & (rng.random(H) < P_SECOND_CARER_RECORDED)
    c1_hh, c2_hh = np.flatnonzero(c1), np.flatnonzero(c2)
    c1_age = eldest[c1_hh] + rng.integers(17 * year, 40 * year, c1_hh.size)
    c2_age = np.maximum(eldest[c2_hh] + 18 * year, c1_age[np.searchsorted(c1_hh, c2_hh)] + rng.integers(
        -3 * year, 7 * year, c2_hh.size))
    c1_sex = np.where(rng.random(c1_hh.size) < P_FIRST_CARER_FEMALE, "F", "M")
    opposite = np.where(c1_sex[np.searchsorted(c1_hh, c2_hh)] == "F", "M", "F")
    c2_sex = np.where(rng.random(c2_hh.size) < P_SECOND_CARER_MALE, opposite, "F")

    blocks = [  # household, role, age in days, sex, kind
        (kid_hh, 0, kid_age, kid_sex, "kid"), (kid_hh[tw], 0, kid_age[tw], tw_sex, "twin"),
        (ya_hh, 1, ya_age, np.where(rng.random(ya_hh.size) < 0.5, "M", "F"), "ya"),
        (ub_hh, 3, ub_age, np.full(ub_hh.size, "U"), "unborn"),
        (c1_hh, 2, c1_age, c1_sex, "carer1"), (c2_hh, 2, c2_age, c2_sex, "carer2"),
    ]
    hh = np.concatenate([b[0] for b in blocks])
    role = np.concatenate([np.full(b[0].size, b[1]) for b in blocks])
    age = np.concatenate([b[2] for b in blocks]).astype(np.int64)
    sex = np.concatenate([np.asarray(b[3], dtype=object) for b in blocks])
    kind = np.concatenate([np.full(b[0].size, b[4], dtype=object) for b in blocks])
    pos = np.concatenate([kid_pos, np.full(hh.size - nk, -1)])
    twin_of = np.full(hh.size, -1)
    twin_rows = nk + np.arange(tw.size)
    twin_of[tw], twin_of[twin_rows] = twin_rows, tw
    P = hh.size
    born = role != 3
    indeterminate = born & (rng.random(P) < P_SEX_INDETERMINATE)
    sex[indeterminate] = "U"

    # surnames
    primary = _draw_grouped(rng, trad, None, "S")
    eng = TRADITION_KEYS.index("english")
    second = _draw_grouped(rng, np.full(H, eng), None, "S")
    dbl = (trad == eng) & (rng.random(H) < P_DOUBLE_BARRELLED) & (second != primary)
    primary[dbl] = primary[dbl] + "-" + second[dbl]
    alt_trad = np.where(rng.random(H) < 0.7, trad, eng)
    alt = _draw_grouped(rng, alt_trad, None, "S")
    same = alt == primary
    alt[same] = _draw_grouped(rng, np.full(same.sum(), eng), None, "S")
    blended = (n_kids >= 2) & (rng.random(H) < P_BLENDED_HOUSEHOLD)
    last = primary[hh].copy()
    step = (kind == "kid") & (pos > 0) & blended[hh] & (rng.random(P) < P_STEP_CHILD)
    own = ((kind == "carer1") & (rng.random(P) < P_CARER_OWN_SURNAME)) | (
        (kind == "ya") & (rng.random(P) < P_YOUNG_ADULT_OWN_SURNAME))
    last[step | own] = alt[hh[step | own]]
    last[twin_rows] = last[tw]
    polish = (trad[hh] == TRADITION_KEYS.index("polish")) & (sex == "F")
    for i in np.flatnonzero(polish):
        s = last[i]
        if s.endswith("ski") or s.endswith("cki") or s.endswith("dzki"):
            last[i] = s[:-1] + "a"

    # first names
    mixed = rng.random(H) < P_MIXED_HERITAGE
    name_trad_hh = np.where(mixed, (trad + rng.integers(1, len(TRADITION_KEYS), H)) % len(TRADITION_KEYS), trad)
    general_share = np.array([v[4] for v in TRADITIONS.values()])
    name_trad = np.where(rng.random(P) < general_share[name_trad_hh[hh]], eng, name_trad_hh[hh])
    first = _draw_grouped(rng, name_trad, np.where(sex == "U", np.where(rng.random(P) < 0.5, "M", "F"), sex))
    first[role == 3] = ""
    # siblings rarely share a first name: redraw duplicates once
    young = role != 2
    canon = np.array([canonical_first_name(f) for f in first], dtype=object)
    dup = pd.DataFrame({"h": hh, "c": canon}).duplicated().to_numpy() & young & (role != 3)
    for i in np.flatnonzero(dup):
        s = sex[i] if sex[i] in ("M", "F") else "F"
        first[i] = _draw(rng, POOLS[TRADITION_KEYS[name_trad[i]]][s], 1)[0]
    # twins: different names, sometimes similar-sounding ones
    similar = rng.random(tw.size) < P_TWIN_SIMILAR_NAMES
    for j, (a, b) in enumerate(zip(tw, twin_rows, strict=True)):
        if similar[j]:
            fits = [p for p in SIMILAR_TWIN_NAMES if {p[0], p[2]} == {sex[a], sex[b]} or (
                sex[a] == sex[b] == p[0] == p[2])]
            if fits:
                pair = fits[int(rng.integers(0, len(fits)))]
                first[a], first[b] = (pair[1], pair[3]) if pair[0] == sex[a] else (pair[3], pair[1])
                continue
        while canonical_first_name(first[b]) == canonical_first_name(first[a]):
            s = sex[b] if sex[b] in ("M", "F") else "F"
            first[b] = _draw(rng, POOLS[TRADITION_KEYS[name_trad[b]]][s], 1)[0]

    dob = REFERENCE_DATE - age.astype("timedelta64[D]")
    # unrelated children who share first name, sex and date of birth with a child of the same surname elsewhere
    # (the surname is not copied, so every child keeps their own household's surname)
    kids = np.flatnonzero((role == 0) & (twin_of < 0))
    doppel_of = np.full(P, -1)
    copy = kids[rng.random(kids.size) < P_DOPPELGANGER]
    u = rng.random(copy.size)
    same_surname = pd.Series(kids).groupby(last[kids]).indices  # surname -> positions in kids
    for a, v in zip(copy, u, strict=True):
        group = kids[same_surname[last[a]]]
        group = group[hh[group] != hh[a]]
        if not group.size or doppel_of[a] >= 0:
            continue
        b = group[int(v * group.size)]
        if doppel_of[b] >= 0:
            continue
        first[a], sex[a], dob[a], age[a] = first[b], sex[b], dob[b], age[b]
        doppel_of[a], doppel_of[b] = b, a

    # identifiers
    nhs = np.full(P, "", dtype=object)
    has_nhs = born & (rng.random(P) >= P_NO_NHS_NUMBER)
    nhs[has_nhs] = _nhs_numbers(rng, int(has_nhs.sum())).astype(str).astype(object)
    age_years = age / DAYS_PER_YEAR
    p_upn = np.where(role == 1, P_UPN_SCHOOL_AGE, 0.0)
    p_upn = np.where((role == 0) & (age_years >= 2), P_UPN_EARLY_YEARS, p_upn)
    p_upn = np.where((role == 0) & (age_years >= 4), P_UPN_SCHOOL_AGE, p_upn)
    has_upn = rng.random(P) < p_upn
    upn = np.full(P, "", dtype=object)
    birth_year = dob.astype("datetime64[Y]").astype(np.int64) + 1970
    upn[has_upn] = _upns(rng, birth_year[has_upn])

    # places: a pool of postcodes, each on one street; households are addresses on them
    n_pc = max(64, H // 5)
    pc_pool = pd.unique(_postcodes(rng, LOCAL_OUTWARD, int(n_pc * 1.1)))[:n_pc]
    street_pool = _street_names(rng, pc_pool.size)
    hh_pc_i = rng.integers(0, pc_pool.size, H)
    hh_pc = pc_pool[hh_pc_i]
    hh_addr = _house(rng, street_pool[hh_pc_i])

    def new_places(k: int) -> tuple[np.ndarray, np.ndarray]:
        local = rng.random(k) < P_MOVE_LOCAL
        i = rng.integers(0, pc_pool.size, k)
        far_pc = _postcodes(rng, ELSEWHERE_OUTWARD, k)
        far_street = _street_names(rng, k)
        return np.where(local, pc_pool[i], far_pc), _house(rng, np.where(local, street_pool[i], far_street))

    hh_moves = rng.random(H) < P_HOUSEHOLD_MOVE
    hh_move_t = np.where(hh_moves, rng.uniform(0.05, 0.95, H), 2.0)
    hh_new_pc, hh_new_addr = new_places(H)
    move_t = hh_move_t[hh]
    later_pc = np.where(hh_moves[hh], hh_new_pc[hh], "").astype(object)
    later_addr = np.where(hh_moves[hh], hh_new_addr[hh], "").astype(object)
    alone = (role <= 1) & (rng.random(P) < P_PERSON_MOVE)
    a_pc, a_addr = new_places(int(alone.sum()))
    move_t[alone] = rng.uniform(0.05, 0.95, int(alone.sum()))
    later_pc[alone], later_addr[alone] = a_pc, a_addr

    # surname changes
    p_change = np.array([P_SURNAME_CHANGE[r] for r in ROLES])[role]
    changes = rng.random(P) < p_change
    change_t = np.where(changes, rng.uniform(0.05, 0.95, P), 2.0)
    later_last = np.full(P, "", dtype=object)
    partner = _draw_grouped(rng, np.where(rng.random(P) < 0.6, trad[hh], eng), None, "S")
    mode = rng.choice(3, size=P, p=SURNAME_CHANGE_KIND)
    halves = rng.random(P) < 0.5
    for i in np.flatnonzero(changes):
        cur = last[i]
        if "-" in cur and not cur.startswith(("Al-", "El-")):
            new = cur.split("-", 1)[0 if halves[i] else 1]
        elif mode[i] == 0:
            new = partner[i]
        elif mode[i] == 1:
            new = cur + "-" + partner[i]
        else:
            new = alt[hh[i]]
        if new != cur:
            later_last[i] = new
        else:
            change_t[i] = 2.0

    return {
        "household": hh, "role": role, "tradition": trad[hh], "name_tradition": name_trad, "first_name": first,
        "last_name": last, "date_of_birth": dob, "sex": sex, "nhs_number": nhs, "upn": upn, "address_line": hh_addr[hh],
        "postcode": hh_pc[hh], "later_last_name": later_last, "change_t": change_t, "later_address_line": later_addr,
        "later_postcode": later_pc, "move_t": move_t, "twin_of": twin_of, "doppelganger_of": doppel_of, "age": age,
    }


def _record_counts(rng: np.random.Generator, role: np.ndarray) -> np.ndarray:
    counts = np.zeros(role.size, dtype=np.int64)
    for r, name in enumerate(ROLES):
        idx = np.flatnonzero(role == r)
        p = RECORDS_PER_PERSON[name]
        counts[idx] = rng.choice(len(p), size=idx.size, p=p) + 1
    return counts


def _category(role: np.ndarray, age: np.ndarray) -> np.ndarray:
    years = age / DAYS_PER_YEAR
    cat = np.where(years < 2, 1, np.where(years < 5, 2, 3))
    cat = np.where(role == 1, 4, cat)
    cat = np.where(role == 2, 5, cat)
    return np.where(role == 3, 0, cat)


# ----------------------------------------------------------------------------------------------------------------
# records
# ----------------------------------------------------------------------------------------------------------------
def generate(n_records: int, seed: int, with_truth: bool = False):
    """n_records synthetic records (DataFrame); with with_truth, (records, people) where people is the uncorrupted
    truth, one row per person that has a record, keyed by true_person."""
    if n_records < 1:
        raise ValueError("n_records must be positive")
    households = max(8, int(n_records / 7.0 * 1.10) + 8)  # about 7 records per household
    while True:
        rng = np.random.default_rng(seed)
        people = _people(rng, households)
        counts = _record_counts(rng, people["role"])
        if counts.sum() >= n_records:
            break
        households = int(households * n_records / max(counts.sum(), 1) * 1.15) + 8
    # keep whole households in generation order until n_records, trimming the last person's records
    by_household = np.argsort(people["household"], kind="stable")
    before = np.empty_like(counts)
    before[by_household] = np.cumsum(counts[by_household]) - counts[by_household]
    keep = before < n_records
    counts = np.where(keep, np.minimum(counts, n_records - before), 0)
    P = counts.size
    ids = np.zeros(P, dtype=np.int64)
    ids[keep] = rng.permutation(int(keep.sum())) + 1
    n = n_records

    pi = np.repeat(np.arange(P), counts)
    t = rng.random(n)
    cat = _category(people["role"], people["age"])[pi]
    mix = np.cumsum(np.array(list(SOURCE_MIX.values())), axis=1)
    src = (rng.random(n)[:, None] * mix[cat, -1:] > mix[cat]).sum(1)
    src_name = np.array(SOURCES, dtype=object)[src]

    def by_source(rates: dict[str, float]) -> np.ndarray:
        return np.array([rates[s] for s in SOURCES])[src]

    first = people["first_name"][pi].copy()
    changed = t > people["change_t"][pi]
    last = np.where(changed, people["later_last_name"][pi], people["last_name"][pi]).astype(object)
    moved = t > people["move_t"][pi]
    postcode = np.where(moved, people["later_postcode"][pi], people["postcode"][pi]).astype(object)
    address = np.where(moved, people["later_address_line"][pi], people["address_line"][pi]).astype(object)
    dob = people["date_of_birth"][pi].copy()
    sex = people["sex"][pi].copy()
    nhs = people["nhs_number"][pi].copy()
    upn = people["upn"][pi].copy()
    role = people["role"][pi]

    # unborn children: placeholder names, a moving expected date
    ub = np.flatnonzero(role == 3)
    cdf = np.cumsum(UNBORN_PLACEHOLDER_NAME)
    first[ub] = np.array(["", "Baby", "Unborn"], dtype=object)[np.searchsorted(cdf, rng.random(ub.size) * cdf[-1])]
    jit = rng.random(ub.size) < UNBORN_DATE_JITTER
    dob[ub[jit]] += (rng.integers(1, 15, int(jit.sum())) * np.where(rng.random(int(jit.sum())) < 0.5, -1, 1)).astype(
        "timedelta64[D]")

    # first names: spelling variant, then one of typo / truncation / initial / missing, else perhaps a nickname
    u = rng.random(n)
    for i in np.flatnonzero(u < FIRST_NAME_SPELLING_VARIANT):
        g = _FIRST_VARIANT.get(first[i])
        if g:
            first[i] = _pick([x for x in g if x != first[i]], rng.random())
    u = rng.random(n)
    ux = rng.random((n, 4))
    edges = np.cumsum([FIRST_NAME_TYPO, FIRST_NAME_TRUNCATION, FIRST_NAME_INITIAL, FIRST_NAME_MISSING])
    branch = np.searchsorted(edges, u, side="right")  # 0 typo, 1 truncation, 2 initial, 3 missing, 4 none
    named = first != ""
    for i in np.flatnonzero((branch == 0) & named):
        first[i] = _typo(first[i], ux[i])
    for i in np.flatnonzero((branch == 1) & named):
        first[i] = _truncate(first[i], ux[i, 0])
    for i in np.flatnonzero((branch == 2) & named):
        first[i] = first[i][0]
    first[(branch == 3)] = ""
    nick_u = rng.random(n)
    for i in np.flatnonzero((branch == 4) & (nick_u < FIRST_NAME_NICKNAME)):
        options = NICKNAMES.get(first[i])
        if options:
            first[i] = _pick(options, ux[i, 1])

    # surnames: variant spelling, one half of a double barrel, typo
    u = rng.random((n, 4))
    for i in np.flatnonzero(u[:, 0] < SURNAME_SPELLING_VARIANT):
        g = _SURNAME_VARIANT.get(last[i])
        if g:
            last[i] = _pick([x for x in g if x != last[i]], u[i, 1])
    for i in np.flatnonzero(u[:, 2] < DOUBLE_BARREL_PARTIAL):
        if "-" in last[i]:
            last[i] = last[i].split("-", 1)[0 if u[i, 3] < 0.5 else 1]
    u = rng.random((n, 4))
    for i in np.flatnonzero(u[:, 0] < SURNAME_TYPO):
        if len(last[i]) >= 3:
            last[i] = _typo(last[i], u[i])

    # punctuation and accents in either name
    u = rng.random((n, 4))
    for arr, c in ((first, 0), (last, 2)):
        for i in np.flatnonzero(u[:, c] < PUNCTUATION_VARIANT):
            if "'" in arr[i] or "-" in arr[i]:
                arr[i] = _punctuation(arr[i], u[i, c + 1])
    u = rng.random(n)
    for i in np.flatnonzero(u < DIACRITICS_STRIPPED):
        if not first[i].isascii():
            first[i] = _strip_diacritics(first[i])
        if not last[i].isascii():
            last[i] = _strip_diacritics(last[i])

    swap = rng.random(n) < NAME_SWAP
    first[swap], last[swap] = last[swap], first[swap].copy()

    # case and whitespace
    u = rng.random(n)
    edges = np.cumsum([NAME_UPPER, NAME_LOWER, NAME_CAPITALIZE])
    mode = np.searchsorted(edges, u, side="right")
    for m, fn in ((0, str.upper), (1, str.lower), (2, str.capitalize)):
        for i in np.flatnonzero(mode == m):
            first[i], last[i] = fn(first[i]), fn(last[i])
    u = rng.random((n, 2))
    for i in np.flatnonzero(u[:, 0] < NAME_WHITESPACE):
        which = int(u[i, 1] * 4)
        if which == 0:
            first[i] = first[i] + " "
        elif which == 1:
            last[i] = " " + last[i]
        elif which == 2:
            last[i] = last[i] + "  "
        else:
            first[i] = first[i].replace(" ", "  ") if " " in first[i] else " " + first[i] + " "

    # dates of birth
    u = rng.random(n)
    edges = np.cumsum([DOB_DAY_MONTH_SWAP, DOB_ONE_DAY_OFF, DOB_YEAR_OFF])
    slip = np.searchsorted(edges, u, side="right")
    years = dob.astype("datetime64[Y]")
    months = dob.astype("datetime64[M]")
    day = (dob - months.astype("datetime64[D]")).astype(np.int64) + 1
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    sw = (slip == 0) & (day <= 12) & (day != month)
    dob[sw] = (years[sw].astype("datetime64[M]") + (day[sw] - 1)).astype("datetime64[D]") + (month[sw] - 1)
    one = slip == 1
    dob[one] += np.where(rng.random(int(one.sum())) < 0.5, -1, 1).astype("timedelta64[D]")
    yr = slip == 2
    step = np.where(rng.random(int(yr.sum())) < 0.5, -1, 1)
    dob[yr] = ((years[yr] + step).astype("datetime64[M]") + (month[yr] - 1)).astype("datetime64[D]") + (day[yr] - 1)
    dob_text = np.datetime_as_string(dob, unit="D").astype(object)
    dob_text[rng.random(n) < by_source(DOB_MISSING)] = ""

    # sex
    wrong = (rng.random(n) < SEX_WRONG) & np.isin(sex, ["M", "F"])
    sex[wrong] = np.where(sex[wrong] == "M", "F", "M")
    sex[rng.random(n) < by_source(SEX_MISSING)] = ""

    # postcodes and addresses
    u = rng.random((n, 4))
    for i in np.flatnonzero(u[:, 0] < POSTCODE_TYPO):
        postcode[i] = _postcode_typo(postcode[i], u[i, 1:])
    u = rng.random((n, 2))
    for i in np.flatnonzero(u[:, 0] < POSTCODE_FORMAT):
        v = u[i, 1]
        postcode[i] = postcode[i].replace(" ", "") if v < 0.5 else (postcode[i].lower() if v < 0.8 else
                                                                     postcode[i].replace(" ", "  "))
    postcode[rng.random(n) < by_source(POSTCODE_MISSING)] = ""
    u = rng.random((n, 2))
    for i in np.flatnonzero(u[:, 0] < ADDRESS_ABBREVIATED):
        head, _, tail = address[i].rpartition(" ")
        if tail in ABBREVIATIONS:
            address[i] = head + " " + ABBREVIATIONS[tail]
    for i in np.flatnonzero(u[:, 1] < ADDRESS_UPPER):
        address[i] = address[i].upper()
    address[rng.random(n) < ADDRESS_MISSING] = ""

    # identifiers
    nhs[rng.random(n) >= by_source(NHS_PRESENT)] = ""
    upn[rng.random(n) >= by_source(UPN_PRESENT)] = ""
    all_nhs = people["nhs_number"]
    with_nhs = np.flatnonzero((all_nhs != "") & keep)  # someone who is in the data
    hh = people["household"]
    u = rng.random((n, 3))
    for i in np.flatnonzero((u[:, 0] < NHS_WRONG) & (nhs != "")):
        me = pi[i]
        other = -1
        if u[i, 1] < 0.5:
            mates = np.flatnonzero((hh == hh[me]) & (all_nhs != "") & (np.arange(P) != me) & keep)
            if mates.size:
                other = mates[int(u[i, 2] * mates.size)]
        if other < 0:
            other = with_nhs[int(u[i, 2] * with_nhs.size)]
            if other == me:
                other = with_nhs[(int(u[i, 2] * with_nhs.size) + 1) % with_nhs.size]
        nhs[i] = all_nhs[other]

    # shuffle and number
    order = rng.permutation(n)
    src_o = src[order]
    seq = pd.Series(src_o).groupby(src_o).cumcount().to_numpy() + 1
    prefix = np.array(["CSC", "POL", "HLT", "EDU", "PTN"], dtype=object)[src_o]
    record_id = [f"{p}{s:07d}" for p, s in zip(prefix, seq, strict=True)]
    records = pd.DataFrame({
        "record_id": record_id,
        "source": src_name[order],
        "first_name": first[order],
        "last_name": last[order],
        "date_of_birth": dob_text[order],
        "sex": sex[order],
        "postcode": postcode[order],
        "nhs_number": nhs[order],
        "upn": upn[order],
        "address_line": address[order],
        "true_person": ids[pi][order],
    })
    for c in records.columns[:-1]:
        records[c] = records[c].astype("str")
    if not with_truth:
        return records

    k = np.flatnonzero(keep)
    link = np.where(people["twin_of"] >= 0, ids[np.maximum(people["twin_of"], 0)], -1)
    dopp = np.where(people["doppelganger_of"] >= 0, ids[np.maximum(people["doppelganger_of"], 0)], -1)
    truth = pd.DataFrame({
        "true_person": ids[k],
        "household": people["household"][k] + 1,
        "role": np.array(ROLES, dtype=object)[people["role"][k]],
        "tradition": np.array(TRADITION_KEYS, dtype=object)[people["tradition"][k]],
        "first_name": people["first_name"][k],
        "last_name": people["last_name"][k],
        "date_of_birth": np.datetime_as_string(people["date_of_birth"][k], unit="D").astype(object),
        "sex": people["sex"][k],
        "nhs_number": people["nhs_number"][k],
        "upn": people["upn"][k],
        "address_line": people["address_line"][k],
        "postcode": people["postcode"][k],
        "later_last_name": people["later_last_name"][k],
        "later_address_line": people["later_address_line"][k],
        "later_postcode": people["later_postcode"][k],
        "twin_of": np.where(link > 0, link, -1)[k],
        "doppelganger_of": np.where(dopp > 0, dopp, -1)[k],
        "n_records": counts[k],
    }).sort_values("true_person", ignore_index=True)
    for c in truth.columns:
        if truth[c].dtype == object:
            truth[c] = truth[c].astype("str")
    return records, truth


def write(path: str | Path, n_records: int, seed: int) -> Path:
    """Generate n_records for seed and write them as CSV (UTF-8, header row) to path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    generate(n_records, seed).to_csv(path, index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = write(args.out, args.records, args.seed)
    print(f"wrote {args.records} records (seed {args.seed}) to {path} in {time.perf_counter() - started:.1f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
